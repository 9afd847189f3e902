INSERT INTO audit_log (recorded_at, user_name, action, detail)
VALUES (CAST($recorded_at AS TIMESTAMP), $user_name, $action, $detail)
