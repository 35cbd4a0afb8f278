"""Match runs inside the platform: build a matching instance from the database for a
scope, solve it as a draft, let a coordinator review, pin/forbid and publish it."""
