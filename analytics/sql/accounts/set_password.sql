{#- A new password hash; a password set by an admin also lifts a lock-out. -#}
UPDATE users
SET password_hash = $password_hash, failed_attempts = 0, locked_until = NULL, updated_at = CAST($now AS TIMESTAMP)
WHERE user_name = $user_name
RETURNING user_name
