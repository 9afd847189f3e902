{#- Every account, active or not: once one exists the dashboard asks for a sign-in. -#}
SELECT count(*) FROM users
