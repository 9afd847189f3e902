{#- Product-mix suggestions (domain guide §4, 001:224). Peers of a customer: the other open
    customers of its retail format whose tier is in the same band ($band_lows[i]..$band_highs[i])
    and who ordered in the window [$since, $as_of]. For each customer in scope (or only
    $customer_id), the products peers bought in the window that the customer did not, with the
    share of peers who bought each; best first, the first $top per customer.
    A customer's peers never include itself: the active count of its band and format less one
    when it is active itself. -#}
{% import "shared/scope.sql" as scope %}
{% import "shared/customers.sql" as customers %}
WITH bands AS (
    SELECT unnest($band_lows) AS low, unnest($band_highs) AS high, generate_subscripts($band_lows, 1) AS band
), shops AS (
    SELECT c.customer_id, c.retail_format, b.band
    FROM customers c
    JOIN bands b ON c.tier BETWEEN b.low AND b.high
    WHERE {{ customers.is_open("c") }} AND c.retail_format IS NOT NULL
), bought AS (
    SELECT DISTINCT customer_id, product
    FROM orders
    WHERE order_date BETWEEN $since AND $as_of AND product IS NOT NULL
), active AS (
    SELECT DISTINCT customer_id FROM bought
), group_size AS (
    SELECT s.retail_format, s.band, count(*) AS active_peers
    FROM shops s JOIN active a ON a.customer_id = s.customer_id
    GROUP BY ALL
), group_buyers AS (
    SELECT s.retail_format, s.band, o.product, count(*) AS buyers
    FROM shops s JOIN bought o ON o.customer_id = s.customer_id
    GROUP BY ALL
), wanted AS (
    SELECT s.customer_id, s.retail_format, s.band,
           g.active_peers - (CASE WHEN a.customer_id IS NULL THEN 0 ELSE 1 END) AS peers
    FROM shops s
    JOIN customers c ON c.customer_id = s.customer_id
    JOIN group_size g ON g.retail_format = s.retail_format AND g.band = s.band
    LEFT JOIN active a ON a.customer_id = s.customer_id
    WHERE {{ scope.customers(filters, "c") }}
    {% if customer | default(false) %}
      AND s.customer_id = $customer_id
    {% endif %}
), ranked AS (
    SELECT w.customer_id, gb.product, gb.buyers AS peers_buying, w.peers,
           gb.buyers / w.peers AS peer_share,
           row_number() OVER (PARTITION BY w.customer_id ORDER BY gb.buyers DESC, gb.product) AS rank
    FROM wanted w
    JOIN group_buyers gb ON gb.retail_format = w.retail_format AND gb.band = w.band
    WHERE w.peers > 0
      AND NOT EXISTS (SELECT 1 FROM bought o WHERE o.customer_id = w.customer_id AND o.product = gb.product)
)
SELECT customer_id, rank, product, peer_share, peers_buying, peers
FROM ranked
WHERE rank <= $top
ORDER BY customer_id, rank
