{#- The first order day on or before $as_of (the earliest snapshot the model may use). -#}
SELECT min(order_date) FROM order_days WHERE order_date <= $as_of
