INSERT INTO users (user_name, display_name, role, teams, manager_id, password_hash, active,
                   failed_attempts, locked_until, created_at, updated_at)
VALUES ($user_name, $display_name, $role, CAST($teams AS VARCHAR[]), $manager_id, $password_hash, TRUE,
        0, NULL, CAST($now AS TIMESTAMP), CAST($now AS TIMESTAMP))
