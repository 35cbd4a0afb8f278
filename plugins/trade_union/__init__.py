"""市总工会 (Federation of Trade Unions): the urban employees in hardship board."""
