{#- Disable or enable an account; enabling also lifts a lock-out. -#}
UPDATE users
SET active = $active,
    failed_attempts = CASE WHEN $active THEN 0 ELSE failed_attempts END,
    locked_until = CASE WHEN $active THEN NULL ELSE locked_until END,
    updated_at = CAST($now AS TIMESTAMP)
WHERE user_name = $user_name
RETURNING user_name
