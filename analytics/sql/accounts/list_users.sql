{#- Every account for the Accounts page and `users list`: no password hash. -#}
SELECT user_name, display_name, role, array_to_string(teams, ', ') AS teams, manager_id, active,
       failed_attempts, locked_until, created_at, updated_at
FROM users
ORDER BY user_name
