"""The worker's delivery: channel senders (SMTP, an HTTP provider), the webhook sender,
and the loop that dispatches due jobs and webhooks and prunes the outbox."""
