{#- A supervisor's follow-up of a loss warning: a new history row (the newest is current). -#}
INSERT INTO warning_followups (customer_id, status, note, warned_on, updated_at, made_by)
VALUES ($customer_id, $status, $note, $warned_on, $updated_at, $made_by)
