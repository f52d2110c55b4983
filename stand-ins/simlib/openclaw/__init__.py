"""The openclaw stand-in: config loader, gateway, node host and CLI commands.

It follows the OpenClaw release line named in version.py for the parts the charm uses.
"""
