"""Yanglao (养老): the elderly-care service platform of a city or district."""
