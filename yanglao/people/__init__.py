"""people: the elderly registry (老年人基本信息库) every other module reads."""
