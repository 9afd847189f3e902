{#- Staged customer rows naming a manager the store does not know: their rows and manager ids
    (`delete`: those rows removed from the stage). -#}
{% if delete | default(false) %}
DELETE FROM import_stage s
{% else %}
SELECT _row, manager_id
FROM import_stage s
{% endif %}
WHERE manager_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM managers m WHERE m.manager_id = s.manager_id)
{% if not (delete | default(false)) %}
ORDER BY _row
{% endif %}
