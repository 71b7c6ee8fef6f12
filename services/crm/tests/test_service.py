def test_the_service_starts_on_a_migrated_database_and_answers(call):
    assert call("ping") == "pong"
