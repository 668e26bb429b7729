-- The bulk usage settlement in DuckDB SQL: the reference for `samvirke settle adhoc`.
-- Same semantics: units and costs read as exact decimals, weights in hundredths, cost in minor units,
-- base = floor(C·w/W), leftover units to the largest remainders, ties to the lower municipality id.
-- Placeholders: __COSTS__, __ACTIVITY__, __OUT__.
COPY (
    WITH act AS (
        SELECT agreement, municipality, SUM(CAST(units * 100 AS BIGINT)) AS w
        FROM read_csv('__ACTIVITY__', header = true, delim = ',',
                      columns = {'agreement': 'VARCHAR', 'municipality': 'VARCHAR', 'date': 'DATE', 'units': 'DECIMAL(18,2)'})
        GROUP BY agreement, municipality
    ),
    cost AS (
        SELECT agreement, CAST(cost * 100 AS HUGEINT) AS c
        FROM read_csv('__COSTS__', header = true, delim = ',',
                      columns = {'agreement': 'VARCHAR', 'cost': 'DECIMAL(38,2)'})
    ),
    joined AS (
        SELECT a.agreement, a.municipality, a.w, c.c, SUM(a.w) OVER (PARTITION BY a.agreement) AS tw
        FROM act a JOIN cost c USING (agreement)
    ),
    based AS (
        SELECT *, (c * w) // tw AS base, (c * w) % tw AS rem FROM joined
    ),
    ranked AS (
        SELECT *, c - SUM(base) OVER (PARTITION BY agreement) AS leftover,
               ROW_NUMBER() OVER (PARTITION BY agreement ORDER BY rem DESC, municipality ASC) AS rn
        FROM based
    ),
    final AS (
        SELECT agreement, municipality, w, base + CASE WHEN rn <= leftover THEN 1 ELSE 0 END AS amount FROM ranked
    )
    SELECT agreement, municipality,
           CAST(w // 100 AS VARCHAR) || '.' || lpad(CAST(w % 100 AS VARCHAR), 2, '0') AS units,
           CAST(amount // 100 AS VARCHAR) || '.' || lpad(CAST(amount % 100 AS VARCHAR), 2, '0') AS amount
    FROM final
    ORDER BY agreement, municipality
) TO '__OUT__' (HEADER true, DELIMITER ',');
