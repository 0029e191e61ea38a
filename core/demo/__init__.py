"""The demo database: example users, three batches under way (CAR-T, MSC, AAV) and their
history, built through the same services a user calls. Never part of a site database."""
