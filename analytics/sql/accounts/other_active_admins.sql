{#- Active admins other than $user_name (the last one may not be disabled). -#}
SELECT count(*) FROM users WHERE role = 'admin' AND active AND user_name <> $user_name
