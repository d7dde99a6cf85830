pytest_plugins = ["yanglao.core.testing.fixtures", "yanglao.core.testing.browser"]
