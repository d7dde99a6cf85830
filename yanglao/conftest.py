pytest_plugins = ["yanglao.core.testing.fixtures"]
