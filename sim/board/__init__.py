"""The facilitator's board: a local web app showing a run live, with what-if at the table."""
