"""市民政局 (Civil Affairs Bureau): the urban and rural minimum living allowance board."""
