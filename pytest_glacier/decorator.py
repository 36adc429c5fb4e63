"""``mock_glacier``: the mock as a decorator or a context manager, with or without pytest.

::

    @mock_glacier                         # bare, on a sync or async function
    @mock_glacier(account_id="...")       # with options
    @mock_glacier                         # on a unittest.TestCase: one fresh mock per test
    with mock_glacier() as glacier: ...   # a GlacierMock

Each call of a decorated function gets its own fresh mock, started before and stopped after it.
"""

from __future__ import annotations

import functools
import inspect
import unittest
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any, TypeVar, cast, overload

from pytest_glacier import suite_defaults
from pytest_glacier.mock import GlacierMock
from pytest_glacier.options import Options, build_options, merge_option_values

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


class MockGlacier:
    """Options for mocks to come: decorate a function or class, or enter as a context manager."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self._entered: list[GlacierMock] = []

    def __enter__(self) -> GlacierMock:
        mock = GlacierMock(self.options)
        mock.start()
        self._entered.append(mock)
        return mock

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._entered.pop().__exit__(exc_type, exc, tb)

    @overload
    def __call__(self, target: type[T]) -> type[T]: ...

    @overload
    def __call__(self, target: F) -> F: ...

    def __call__(self, target: Any) -> Any:
        if inspect.isclass(target):
            return _decorate_class(target, self.options)
        if callable(target):
            return _decorate_function(target, self.options)
        raise TypeError(
            f"mock_glacier decorates a function or a class, got {type(target).__name__}: {target!r}"
        )


@overload
def mock_glacier(target: type[T], /) -> type[T]: ...


@overload
def mock_glacier(target: F, /) -> F: ...


@overload
def mock_glacier(target: None = None, /, **options: Any) -> MockGlacier: ...


def mock_glacier(target: Any = None, /, **options: Any) -> Any:
    """Mock Glacier around a function, a class's tests, or a ``with`` block (CONTRACT §2).

    Under pytest, the suite's ini options are the defaults that ``options`` override.
    """
    settings = build_options(merge_option_values(suite_defaults.current(), options))
    if target is None:
        return MockGlacier(settings)
    if options:
        raise TypeError("use @mock_glacier(**options) or bare @mock_glacier, not both at once")
    return MockGlacier(settings)(target)


def _decorate_function(func: F, options: Options) -> F:
    if inspect.iscoroutinefunction(func):
        coroutine_func = cast("Callable[..., Coroutine[Any, Any, Any]]", func)

        @functools.wraps(func)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            with GlacierMock(options):
                return await coroutine_func(*args, **kwargs)

        return cast("F", run_async)

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        with GlacierMock(options):
            return func(*args, **kwargs)

    return cast("F", run)


def _decorate_class(cls: type[T], options: Options) -> type[T]:
    if issubclass(cls, unittest.TestCase):
        return cast("type[T]", _decorate_test_case(cls, options))
    for name, member in list(vars(cls).items()):
        if name.startswith("test") and inspect.isfunction(member):
            setattr(cls, name, _decorate_function(member, options))
    return cls


_TEST_MOCK = "_pytest_glacier_test_mock"
"""The attribute of a TestCase instance that holds the mock of the test running in it."""


def _decorate_test_case(cls: type[unittest.TestCase], options: Options) -> type[unittest.TestCase]:
    """Start a fresh mock before ``setUp`` and stop it after ``tearDown`` of every test.

    When a decorated class inherits from another decorated one, its ``setUp`` reaches the base's
    wrapper too: the first wrapper to run (the subclass's, with its options) starts the test's
    mock, and the others find it started.
    """
    original_set_up = cls.setUp

    @functools.wraps(original_set_up)
    def set_up(self: unittest.TestCase) -> None:
        if getattr(self, _TEST_MOCK, None) is None:
            mock = GlacierMock(options)
            mock.start()
            setattr(self, _TEST_MOCK, mock)
            # Cleanups run after tearDown, even when setUp fails: the mock outlives both.
            self.addCleanup(_stop_test_mock, self)
        original_set_up(self)

    cls.setUp = set_up  # type: ignore[method-assign]
    return cls


def _stop_test_mock(test: unittest.TestCase) -> None:
    mock: GlacierMock = getattr(test, _TEST_MOCK)
    setattr(test, _TEST_MOCK, None)
    mock.stop()
