{#- The risk per customer of the stored ranking $model_key. -#}
SELECT customer_id, risk_score FROM risk_scores WHERE model_key = $model_key ORDER BY customer_id
