"""团市委 (Communist Youth League city committee): the youth volunteer service care board."""
