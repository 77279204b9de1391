-- The windows serving a category, found without reading every window's
-- list: the wait estimate on each issued number counts them.
CREATE INDEX window_categories_by_category ON window_categories (category, window);
