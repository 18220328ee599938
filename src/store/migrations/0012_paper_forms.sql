-- The paper forms' last fields: how a fault was reported (报障方式: phone, fax, e-mail, on
-- site) on the 报障登记表, and the backup and restore steps (备份与恢复) of the 客户服务记录表.
-- The fault's handling result (处理结果) already had its column.
ALTER TABLE fault_report ADD COLUMN channel TEXT;
ALTER TABLE service_record ADD COLUMN backup_restore TEXT;
