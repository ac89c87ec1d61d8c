"""cmbot: Clustermarket lab equipment and bookings, answered in Slack."""
