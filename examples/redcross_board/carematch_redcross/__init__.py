"""红十字会 (Red Cross Society): an example third-party board for public appeals."""
