{#- Store the ranking's risk per customer (the frame registered as `incoming_scores`). -#}
INSERT INTO risk_scores SELECT $model_key, customer_id, risk_score FROM incoming_scores
