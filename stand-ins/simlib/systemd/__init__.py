"""The systemctl stand-in: unit files, the service supervisor and the systemctl verbs."""
