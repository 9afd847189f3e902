{#- The complaints received up to $as_of (and from $since when given) of the customers in
    scope, with the customer's manager; the deadlines are worked out in Python
    (analytics.complaints: working days, holidays from the settings). -#}
{% import "shared/scope.sql" as scope %}
SELECT p.complaint_id, p.customer_id, c.customer_name, c.manager_id, m.manager_name, m.team,
       p.received_at, p.first_contact_at, p.replied_at, p.category, p.note
FROM complaints p
JOIN customers c ON c.customer_id = p.customer_id
LEFT JOIN managers m ON m.manager_id = c.manager_id
WHERE CAST(p.received_at AS DATE) <= $as_of
{% if since | default(false) %}
  AND CAST(p.received_at AS DATE) >= $since
{% endif %}
  AND {{ scope.customers(filters, "c") }}
ORDER BY p.received_at, p.complaint_id
