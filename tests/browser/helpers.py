"""Small helpers the browser tests share: translations, navigation with checks, logins."""

from __future__ import annotations

from functools import lru_cache

from playwright.sync_api import Page, expect

PASSWORD = "browser-journey-2026"


@lru_cache(maxsize=1)
def _catalog():
    from venture.i18n import load_translations

    return load_translations("zh_CN")


def zh(message: str, **values) -> str:
    """The Chinese the interface shows for an English source string (the app's catalogs),
    so locators follow the translations instead of copying them."""
    text = _catalog().gettext(message)
    return text % values if values else text


class Browsing:
    """One person's page, with the checks run on every page it lands on."""

    def __init__(self, page: Page, check_page, shot, name: str):
        self.page = page
        self.check_page = check_page
        self.shot_ = shot
        self.name = name

    def go(self, path: str, *, status: int | None = 200):
        response = self.page.goto(path)
        if status is not None:
            assert response is not None and response.status == status, (
                f"{self.name}: GET {path} answered {response.status if response else None}"
            )
        self.check_page(self.page)
        return response

    def click(self, locator, *, status: int | None = None):
        """Click something that loads a page (a link or a submit button), then check it."""
        with self.page.expect_navigation() as navigation:
            locator.click()
        response = navigation.value
        if status is not None:
            assert response is not None and response.status == status, (
                f"{self.name}: {self.page.url} answered {response.status if response else None}"
            )
        self.check_page(self.page)
        return response

    def button(self, name: str, *, within=None, status: int | None = None, exact_name: bool = True):
        scope = within if within is not None else self.page
        return self.click(scope.get_by_role("button", name=name, exact=exact_name), status=status)

    def link(self, name: str, *, within=None, exact_name: bool = True):
        scope = within if within is not None else self.page
        return self.click(scope.get_by_role("link", name=name, exact=exact_name).first)

    def nav(self, name: str):
        """Follow an entry of the main navigation."""
        menu = self.page.get_by_role("navigation", name=zh("Main navigation"))
        toggler = menu.get_by_role("button", name=zh("Toggle navigation"))
        if toggler.is_visible():
            toggler.click()
        return self.click(menu.get_by_role("link", name=name, exact=True))

    def menu(self, top: str, item: str):
        """Open a dropdown of the main navigation and follow one of its entries."""
        menu = self.page.get_by_role("navigation", name=zh("Main navigation"))
        toggler = menu.get_by_role("button", name=zh("Toggle navigation"))
        if toggler.is_visible():
            toggler.click()
        menu.get_by_role("button", name=top, exact=True).or_(
            menu.get_by_role("link", name=top, exact=True)
        ).click()
        return self.click(menu.get_by_role("link", name=item, exact=True))

    def fill(self, label: str, value, *, within=None):
        scope = within if within is not None else self.page
        scope.get_by_label(label, exact=True).fill(str(value))

    def select(self, label: str, option: str, *, within=None):
        scope = within if within is not None else self.page
        scope.get_by_label(label, exact=True).select_option(label=option)

    def flash(self, text: str):
        expect(self.page.locator(".flashes")).to_contain_text(text)

    def shot(self, name: str):
        return self.shot_(self.page, f"{self.name}-{name}")

    def log_in(self, email: str, password: str = PASSWORD):
        self.go("/login")
        self.fill(zh("Email"), email)
        self.fill(zh("Password"), password)
        self.click(self.page.locator("main").get_by_role("button", name=zh("Log in"), exact=True))
        expect(self.page.locator("h1")).to_contain_text(
            zh("Welcome, %(name)s", name="").strip(" ,，")
        )
