from tests.conftest import login_official


def test_bob_logs_in_with_password_and_totp(client, bob):
    login_official(client, bob)
    assert client.get("/office/").status_code == 200
