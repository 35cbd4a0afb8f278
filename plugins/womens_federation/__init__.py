"""市妇联 (Women's Federation): the women's volunteer service care board."""
