"""Step 4: returned forms -> minutes, the register, approvals."""
