"""Accounts: registering a tenant with a password, signing in, and who a token names.

Hashing is not done here: the use cases receive a :class:`~jts_domain.ports.PasswordHasher`
(the API supplies argon2). The domain decides the password rule and what a failed sign-in
says: an unknown e-mail, a wrong password and an inactive account all answer the same
UNAUTHENTICATED message, after the same hashing effort; and each address gets a bounded
number of attempts before it is locked out for a while (RATE_LIMITED), counted in the
store so every API replica counts the same attempts.
"""

from __future__ import annotations

from uuid import UUID

from jts_domain.errors import DomainError, ErrorCode, invalid
from jts_domain.login_throttle import LoginThrottle, email_key
from jts_domain.model import Employee, JobCategory, Organization, Permission, Role
from jts_domain.ports import Credentials, PasswordHasher
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.services.organization import create_employee, register_organization

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256

_BAD_CREDENTIALS = "the e-mail address or the password is incorrect"
DEFAULT_LOGIN_THROTTLE = LoginThrottle()


def check_password(password: str) -> str:
    """The password, or VALIDATION_ERROR when its length is outside the allowed range."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise invalid(
            f"password must be {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters",
            field="password",
        )
    return password


async def register(
    ctx: ServiceContext,
    hasher: PasswordHasher,
    *,
    organization_name: str,
    timezone: str = "Asia/Kolkata",
    email: str,
    password: str,
    name: str,
) -> tuple[Organization, Employee]:
    """Create a tenant and its first ADMIN, who signs in with ``email`` and ``password``."""
    password_hash = await hasher.hash(check_password(password))
    return await register_organization(
        ctx,
        organization_name=organization_name,
        timezone=timezone,
        admin_email=email,
        admin_name=name,
        password_hash=password_hash,
    )


async def create_account(
    ctx: ServiceContext,
    caller: Caller,
    hasher: PasswordHasher,
    *,
    email: str,
    name: str,
    password: str,
    role: Role = Role.EMPLOYEE,
    department_id: UUID | None = None,
    job_category: JobCategory | None = None,
    store_id: UUID | None = None,
) -> Employee:
    """Add a person who signs in with ``email`` and ``password`` (``employee.manage``)."""
    caller.require(Permission.EMPLOYEE_MANAGE)
    password_hash = await hasher.hash(check_password(password))
    return await create_employee(
        ctx,
        caller,
        email=email,
        name=name,
        role=role,
        department_id=department_id,
        job_category=job_category,
        store_id=store_id,
        password_hash=password_hash,
    )


async def _count_attempt(
    ctx: ServiceContext, key: str, throttle: LoginThrottle
) -> Credentials | None:
    """Count one sign-in attempt for the address (RATE_LIMITED while it is locked out);
    the address's credentials, when it has any."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        attempts = await uow.login_attempts.lock(key)
        wait = throttle.retry_after(attempts, now)
        if wait is None:
            await uow.login_attempts.save(throttle.counted(attempts, now))
            found = await uow.credentials.find_by_email(key)
            await uow.commit()
    if wait is not None:
        raise DomainError(
            ErrorCode.RATE_LIMITED,
            f"too many sign-in attempts for this address; retry in {wait} s",
            {"retryAfterSeconds": wait},
        )
    return found


async def authenticate(
    ctx: ServiceContext,
    hasher: PasswordHasher,
    *,
    email: str,
    password: str,
    throttle: LoginThrottle = DEFAULT_LOGIN_THROTTLE,
) -> Employee:
    """The active employee whose e-mail and password these are; UNAUTHENTICATED otherwise.

    Each attempt counts against the address before the password is checked, and a
    success clears the count (:mod:`jts_domain.login_throttle`): past the throttle's
    allowance the address answers RATE_LIMITED, with the seconds to wait, for a while —
    whether or not anybody has it.
    """
    key = email_key(email)
    found = await _count_attempt(ctx, key, throttle)
    stored = None if found is None else found.password_hash
    # An over-long password is hashed cut short (bounded effort) and then refused anyway.
    matches = await hasher.verify(stored, password[:MAX_PASSWORD_LENGTH])
    too_long = len(password) > MAX_PASSWORD_LENGTH
    if found is None or not matches or too_long or not found.employee.active:
        raise DomainError(ErrorCode.UNAUTHENTICATED, _BAD_CREDENTIALS)
    async with ctx.uow() as uow:
        await uow.login_attempts.clear(key)
        await uow.commit()
    return found.employee


#: Why a token issued before the account's last access change is refused.
SESSION_ENDED = "this sign-in has ended because the account's access changed; sign in again"


async def identify(
    ctx: ServiceContext, organization_id: UUID, employee_id: UUID, access_epoch: int = 0
) -> Caller:
    """The caller a verified token names; UNAUTHENTICATED when the account is gone or
    inactive, or its access changed since the token was issued (``access_epoch``)."""
    async with ctx.uow() as uow:
        try:
            employee = await uow.employees.get(organization_id, employee_id)
        except DomainError as error:
            if error.code is not ErrorCode.NOT_FOUND:
                raise
            employee = None
    if employee is None or not employee.active:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "the account no longer exists or is inactive")
    if employee.access_epoch != access_epoch:
        raise DomainError(ErrorCode.UNAUTHENTICATED, SESSION_ENDED)
    return Caller.of(employee)


async def current_employee(ctx: ServiceContext, caller: Caller) -> Employee:
    """The calling employee's record; VALIDATION_ERROR for the system caller."""
    if caller.employee_id is None:
        raise invalid("only an employee has an account")
    async with ctx.uow() as uow:
        return await uow.employees.get(caller.organization_id, caller.employee_id)
