{#- The audit log, newest first; each condition applies only when its value is given. -#}
SELECT recorded_at, user_name, action, detail
FROM audit_log
WHERE (CAST($since AS TIMESTAMP) IS NULL OR recorded_at >= CAST($since AS TIMESTAMP))
  AND (CAST($user_name AS VARCHAR) IS NULL OR user_name = $user_name)
  AND (CAST($action AS VARCHAR) IS NULL OR action = $action)
ORDER BY recorded_at DESC, action, user_name
LIMIT $limit
