-- Listing a user's faces (ListFaces UserId=, ordered by face id) and counting them: an index that serves both the
-- equality on (collection, user) and the order by id, replacing 001's (collection, user) partial index.
DROP INDEX faces_by_user;
CREATE INDEX faces_by_user_id ON faces (collection_id, user_id, id) WHERE user_id IS NOT NULL;
