-- Search by a family name lists a page of the children with that family
-- root in order of name. A common root holds a tenth of all children
-- (Məmmədov, Məmmədova, Məmmədli…): with an index on the root alone every
-- one of them was read and sorted for each page. This index gives them in
-- the page's order, and with the region and status in it a search within
-- a region skips the others without reading their rows.
DROP INDEX profiles_family_root;
CREATE INDEX profiles_family ON profiles (family_root, family_name, given_name, child_id, region, status);
