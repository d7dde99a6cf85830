"""The password rules, always worded in Chinese.

Django's own validators speak the active language, and a command line, a task or a test has none (English).
Each is wrapped to speak the site's language; the minimum-length rule is worded here because Django's
zh-hans catalogue lacks its current text (it answered in English even on Chinese pages).
"""

from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation as django_rules
from django.core.exceptions import ValidationError
from django.utils import translation


class _InSiteLanguage:
    # A mixin: ``super()`` is the Django validator it is combined with, which mypy cannot see from here.
    def validate(self, password: str, user: Any = None) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            super().validate(password, user)  # type: ignore[misc]

    def get_help_text(self) -> str:
        with translation.override(settings.LANGUAGE_CODE):
            return str(super().get_help_text())  # type: ignore[misc]


class UserAttributeSimilarityValidator(_InSiteLanguage, django_rules.UserAttributeSimilarityValidator):
    pass


class CommonPasswordValidator(_InSiteLanguage, django_rules.CommonPasswordValidator):
    pass


class NumericPasswordValidator(_InSiteLanguage, django_rules.NumericPasswordValidator):
    pass


class MinimumLengthValidator(django_rules.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"


class CharacterClassValidator:
    """Letters and digits both, as government systems commonly require."""

    def validate(self, password: str, user: Any = None) -> None:
        if not any(ch.isalpha() for ch in password) or not any(ch.isdigit() for ch in password):
            raise ValidationError("密码必须同时包含字母和数字。", code="password_character_classes")

    def get_help_text(self) -> str:
        return "密码必须同时包含字母和数字。"
