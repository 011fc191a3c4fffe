<?php
/*
 * envctl offline WordPress: Debian's wp-config.php loads this file for every
 * host name. The database settings come from the variables the official image
 * reads. No keys or salts are defined: WordPress then makes random ones and
 * keeps them in its database.
 */
define('DB_NAME', getenv('WORDPRESS_DB_NAME') ?: 'wordpress');
define('DB_USER', getenv('WORDPRESS_DB_USER') ?: 'wordpress');
define('DB_PASSWORD', getenv('WORDPRESS_DB_PASSWORD') ?: '');
define('DB_HOST', getenv('WORDPRESS_DB_HOST') ?: 'db');
$table_prefix = getenv('WORDPRESS_TABLE_PREFIX') ?: 'wp_';
