{#- The generated visits (an Arrow stream registered as demo_batch). -#}
INSERT INTO visits (visit_id, customer_id, manager_id, visit_date, duration_min, method,
                    appointment_date, notes, import_id)
    SELECT 'V' || lpad(CAST(visit_no AS VARCHAR), 8, '0'),
           CAST(customer_code AS VARCHAR), CAST(manager_id AS VARCHAR), CAST(visit_date AS TIMESTAMP),
           duration_min, CAST(method AS VARCHAR), CAST(appointment_date AS TIMESTAMP),
           CAST(notes AS VARCHAR), NULL
    FROM demo_batch
