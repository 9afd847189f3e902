{#- Wrong passwords in a row and the end of a lock-out, as a sign-in attempt left them. -#}
UPDATE users
SET failed_attempts = $failed_attempts, locked_until = CAST($locked_until AS TIMESTAMP)
WHERE user_name = $user_name
