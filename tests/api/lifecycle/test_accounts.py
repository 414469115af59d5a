"""register, login and me over real HTTP."""

from __future__ import annotations

from tests.api.harness import LOGIN, REGISTER, Account, Gql, login, unique_email

ME = "{ me { id email role organizationId } }"


def test_register_signs_the_admin_in(gql: Gql, account: Account) -> None:
    me = gql(ME, token=account.token).ok()["me"]
    assert me == {
        "id": account.employee_id,
        "email": account.email,
        "role": "ADMIN",
        "organizationId": account.organization_id,
    }


def test_login_with_any_case_gives_a_working_token(gql: Gql, account: Account) -> None:
    again = login(gql, account.email.upper(), account.password)
    assert again.employee_id == account.employee_id
    assert gql(ME, token=again.token).ok()["me"]["id"] == account.employee_id


def test_wrong_password_and_unknown_email_answer_alike(gql: Gql, account: Account) -> None:
    wrong = gql(LOGIN, {"email": account.email, "password": "not the password"})
    unknown = gql(LOGIN, {"email": unique_email("nobody"), "password": account.password})
    assert wrong.codes == unknown.codes == ["UNAUTHENTICATED"]
    assert wrong.errors[0]["message"] == unknown.errors[0]["message"]
    assert wrong.data is None


def test_me_needs_a_valid_token(gql: Gql, account: Account) -> None:
    missing = gql(ME)
    forged = gql(ME, token=account.token[:-4] + "AAAA")
    not_bearer = gql(ME, headers={"Authorization": f"Token {account.token}"})
    for result in (missing, forged, not_bearer):
        assert result.codes == ["UNAUTHENTICATED"]
        assert result.data is None


def test_a_bad_registration_says_why_and_creates_nothing(gql: Gql) -> None:
    email = unique_email()
    variables = {
        "input": {
            "organizationName": "Acme",
            "timezone": "Mars/Olympus",
            "email": email,
            "password": "long enough password",
            "name": "Asha",
        }
    }
    result = gql(REGISTER, variables)
    assert result.codes == ["VALIDATION_ERROR"]
    assert "timezone" in result.errors[0]["message"]
    assert gql(LOGIN, {"email": email, "password": "long enough password"}).codes == [
        "UNAUTHENTICATED"
    ]
