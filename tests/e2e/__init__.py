"""Browser tests: the real portal in a real Chromium, driven through Playwright."""
