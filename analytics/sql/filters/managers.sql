-- Managers offered in the sidebar: id, name (the id when there is none), team, region.
SELECT manager_id, coalesce(manager_name, manager_id) AS manager_name, team, region
FROM managers
ORDER BY team NULLS LAST, manager_id
