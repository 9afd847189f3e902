{#- One account with what signing in needs (the hash never leaves accounts.py). -#}
SELECT user_name, display_name, role, teams, manager_id, password_hash, active, failed_attempts, locked_until
FROM users
WHERE user_name = $user_name
