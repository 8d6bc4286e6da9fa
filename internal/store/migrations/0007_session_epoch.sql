-- Instances cache signed-in sessions in memory. Every change that ends or
-- changes sessions adds one to this counter in its transaction; an instance
-- that sees it move forgets its cached sessions.
CREATE TABLE session_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    epoch BIGINT NOT NULL
);
INSERT INTO session_epoch (id, epoch) VALUES (1, 0);
