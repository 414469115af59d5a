"""Retention: finished tasks and old timers removed on schedule, with what they own."""
