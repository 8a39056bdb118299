"""Commands on cases: each one lock + load -> act -> save + projections + audit -> commit."""
