-- pgcrypto: bcrypt password hashing (crypt/gen_salt) and gen_random_bytes. sha256() and
-- gen_random_uuid() are built into PostgreSQL 13+.
CREATE EXTENSION IF NOT EXISTS pgcrypto;
