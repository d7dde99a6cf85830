"""Password rule beyond Django's: letters and digits both, as government systems commonly require."""

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    def validate(self, password, user=None):
        if not any(ch.isalpha() for ch in password) or not any(ch.isdigit() for ch in password):
            raise ValidationError("密码必须同时包含字母和数字。", code="password_character_classes")

    def get_help_text(self):
        return "密码必须同时包含字母和数字。"
