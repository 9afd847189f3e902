{#- Delete the demo generator's orders, visits, targets and the rows of the optional tables of
    the service standard: they carry no import_id
    (analytics.demo.clear_demo). -#}
DELETE FROM orders WHERE import_id IS NULL;
DELETE FROM visits WHERE import_id IS NULL;
DELETE FROM targets WHERE import_id IS NULL;
DELETE FROM stock_checks WHERE import_id IS NULL;
DELETE FROM complaints WHERE import_id IS NULL;
DELETE FROM receivables WHERE import_id IS NULL
